"""A private filesystem storage whose disk fills up part-way through writing a file."""

import errno
import os

from django.core.files.storage import FileSystemStorage


class DiskFullStorage(FileSystemStorage):
    """Writes the first half of the upload to its real path, then fails like a full disk."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content.read()
        with open(path, "wb") as partial:
            partial.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

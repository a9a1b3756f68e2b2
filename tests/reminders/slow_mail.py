"""A file email backend that takes its time, like a slow SMTP server, so an integration
test can stop a worker in the middle of a sweep."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(0.3)  # the "SMTP conversation": nothing is delivered until it ends
        return super().send_messages(email_messages)

# DocumentLink moves from evidence to assessments (issue 12).
#
# The evidence app no longer knows about assessments, so evidence/migrations/0001 no longer
# creates the link table (nor depends on assessments). Two kinds of database arrive here:
# - one made before the move has `evidence_documentlink` with its rows: it is renamed to
#   `assessments_documentlink`, rows, keys and constraints untouched;
# - a new one has no link table yet: it is created.
# Backwards, the table goes back to its old name (the layout the old code expected).
# tests/assessments/test_migration_documentlink.py fills a database at the old state and
# migrates it.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

OLD_TABLE = "evidence_documentlink"


class CreateOrAdoptDocumentLink(migrations.CreateModel):
    """CreateModel, except that an existing evidence_documentlink table is adopted."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.name)
        if OLD_TABLE in schema_editor.connection.introspection.table_names():
            schema_editor.alter_db_table(model, OLD_TABLE, model._meta.db_table)
        else:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.name)
        schema_editor.alter_db_table(model, model._meta.db_table, OLD_TABLE)

    def describe(self):
        return "Create model DocumentLink, or adopt evidence_documentlink with its rows"


class Migration(migrations.Migration):

    dependencies = [
        ('assessments', '0007_response_history'),
        ('evidence', '0002_staff_training'),
        ('organisations', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        CreateOrAdoptDocumentLink(
            name='DocumentLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='links', to='evidence.document')),
                ('organisation', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.organisation')),
                ('response', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='document_links', to='assessments.response')),
            ],
            options={
                'ordering': ['document__title'],
                'constraints': [models.UniqueConstraint(fields=('document', 'response'), name='link_unique')],
            },
        ),
    ]

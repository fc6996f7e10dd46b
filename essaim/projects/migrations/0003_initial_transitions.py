"""One timeline line per existing project: its stage as it was when the workflow was introduced.

The line has no author (``by`` is empty) and is dated at the project's creation; the timeline of
these projects therefore starts with « Étape reprise à la mise en place du suivi des étapes ».
"""

from django.db import migrations

COMMENT = "Étape reprise à la mise en place du suivi des étapes."


def create_initial_transitions(apps, schema_editor):
    Project = apps.get_model("projects", "Project")
    ProjectTransition = apps.get_model("projects", "ProjectTransition")
    ProjectTransition.objects.bulk_create(
        ProjectTransition(
            project_id=project.pk,
            from_stage="",
            to_stage=project.stage,
            organization_id=project.holder_id,
            at=project.created_at,
            comment=COMMENT,
        )
        for project in Project.objects.filter(transitions__isnull=True).only("pk", "stage", "holder_id", "created_at")
    )


def delete_initial_transitions(apps, schema_editor):
    apps.get_model("projects", "ProjectTransition").objects.filter(from_stage="", comment=COMMENT).delete()


class Migration(migrations.Migration):
    dependencies = [("projects", "0002_transitions_and_partners")]

    operations = [migrations.RunPython(create_initial_transitions, delete_initial_transitions, elidable=True)]

"""A youth's full record (droit d'accès, RGPD art. 15): as a dict (JSON) and as a PDF (WeasyPrint)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from essaim.common.formats import format_date


def learner_record(learner) -> dict:
    """Everything stored about the youth, in French keys' order of the record's tabs."""
    enrolments = learner.enrolments.select_related("school_year", "workshop")
    return {
        "jeune": {
            "prénom": learner.first_name,
            "nom": learner.last_name,
            "date de naissance": format_date(learner.birth_date),
            "école": learner.school.name,
            "atelier": learner.workshop.name if learner.workshop_id else "",
        },
        "situation à l'entrée": {
            "NEET": "oui" if learner.is_neet else "non",
            "dernière classe suivie": learner.get_last_school_level_display(),
            "sortie du système scolaire": format_date(learner.left_school_on),
            "diplôme le plus élevé": learner.get_diploma_held_display(),
        },
        "inscriptions": [
            {
                "année scolaire": e.school_year.label,
                "atelier": e.workshop.name,
                "date d'entrée": format_date(e.entry_date),
            }
            for e in enrolments
        ],
        "heures par semaine": [
            {
                "semaine du": format_date(w.week_start),
                "heures en production": str(w.production_hours).replace(".", ","),
                "heures d'enseignement": str(w.theory_hours).replace(".", ","),
            }
            for w in learner.weekly_hours.order_by("week_start")
        ],
        "diplôme préparé": {
            "diplôme": learner.diploma.name if learner.diploma_id else "",
            "résultat": learner.get_diploma_result_display(),
            "date du résultat": format_date(learner.diploma_result_date),
            "blocs": [
                {
                    "diplôme": p.block.diploma.name,
                    "bloc": p.block.name,
                    "avancement": p.get_status_display(),
                    "commencé le": format_date(p.started_on),
                    "acquis le": format_date(p.acquired_on),
                }
                for p in learner.block_progress.select_related("block__diploma")
            ],
        },
        "incidents": [
            {"date": format_date(i.date), "nature": i.get_kind_display(), "description": i.description}
            for i in learner.incidents.order_by("date")
        ],
        "sortie": {"date": format_date(learner.exit_date), "motif": learner.get_exit_reason_display()},
        "situations après la sortie": [
            {
                "moment": o.get_moment_display(),
                "situation": o.get_outcome_display(),
                "constatée le": format_date(o.observed_on),
            }
            for o in learner.outcomes.all()
        ],
        "exports du dossier": [
            {
                "le": timezone.localtime(x.exported_at).strftime("%d/%m/%Y à %H:%M"),
                "par": str(x.exported_by),
                "format": x.format,
            }
            for x in learner.exports.select_related("exported_by")
        ],
    }


def record_html(learner, record: dict) -> str:
    return render_to_string(
        "learners/record_pdf.html",
        {"learner": learner, "record": record, "generated_at": timezone.localtime().strftime("%d/%m/%Y à %H:%M")},
    )


def record_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()

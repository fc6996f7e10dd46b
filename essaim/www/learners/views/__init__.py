"""Pages of the youth follow-up: the school's youths, a youth's record (tabs), weekly hours, the
school's impact page and the exports.

Minors' data: every record is fetched through ``get_visible_or_404`` (the school's own staff only;
anyone else gets a 404, as for a missing record); school pages check ``learners.view_learners`` on
the school. Writes go through ``essaim.learners.services``, which check the rule again.
"""

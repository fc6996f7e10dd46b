"""Pages of a school's production: customers, market prices, quotes, orders (work orders,
deliveries), invoices (issue, credit note, payments, PDF) and the activity against the plan.

Every page fetches the school among those the user is staff of (``ProductionSchool.objects.staffed_by``)
and its objects through ``visible_to`` restricted to that school: anyone else gets a 404. Writes need
``orders.manage_orders`` (administrateurs and membres); lecteurs read. The activity page is also open
to the programme partners (figures only)."""

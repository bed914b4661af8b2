"""Pages of the ranking under /xep-hang/: the campaign pages (``campaigns``: list, new campaign, detail and
steps, council adjustments, results) and the self-assessment and review pages (``self_assessments``)."""

"""Yearly scoring and ranking of IT application (issue 5).

Pure parts: the criteria-set format (``criteria``), the shared indicator keys (``indicators``) and the
scoring engine (``engine``). Django app parts: ``models`` (criteria-set versions, campaigns, self-
assessments, adjustments, results), ``services`` (the campaign workflow) and ``selectors`` (who sees what).
"""

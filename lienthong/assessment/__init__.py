"""Yearly scoring and ranking of IT application (issue 5).

Plain data and pure functions only for now: the criteria-set format (``criteria``), the shared indicator
keys (``indicators``) and the scoring engine (``engine``). No models, no Django app yet.
"""

"""Pages and API endpoints that combine several apps: the home page with its work queues, the document
list with search, the document page with the panels of the flow, registration through the forms.

The apps below know nothing of each other's screens; this thin layer on top puts them side by side. It
has no models and no rules of its own: it reads through the apps' selectors and acts through their services.
"""

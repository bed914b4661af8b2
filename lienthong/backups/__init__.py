"""Backups of the whole system (database and stored files), their restore, and the check of stored files.

``manage.py backup`` writes a database dump and a manifest of every stored object taken at the same
instant; ``manage.py restore`` puts them back onto an empty database and storage after checking every
byte; ``manage.py verify_files`` checks the live storage against the hashes the rows record.
"""

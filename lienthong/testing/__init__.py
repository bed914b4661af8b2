"""What the tests build on: ``builders`` (a small province made through the real services, document inputs
and files, a cheap password hasher) and ``parallel`` (service calls raced in separate processes).

A package at the top of the layer order, beside the project's URL wiring, and not in ``core``: the builders
call the services of several apps, which the bottom layer must not know. This ``__init__`` imports nothing:
``parallel`` is imported by spawned child processes before Django is set up.
"""

# Argon2 stays the hasher in tests, with the cheapest parameters: tests create many users.
TEST_PASSWORD_HASHERS = ["lienthong.testing.builders.FastArgon2PasswordHasher"]

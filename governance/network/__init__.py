"""The network's rules: who is a member on a day (periods), and seats, the cap, the name, majority and quorum (rules).

Nothing is imported here: the models import ``periods`` while this package loads, so the package itself stays empty.
"""

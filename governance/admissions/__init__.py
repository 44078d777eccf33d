"""Membership applications, the admission criteria, the cap, and the effects of a decision."""

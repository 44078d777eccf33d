"""Polls, ballots, quorum and majority, tallies."""

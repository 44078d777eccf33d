"""Cities, their populations and memberships, the network and its names."""

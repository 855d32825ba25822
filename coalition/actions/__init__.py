"""Action items: owners, due dates, the update log and reminder digests."""

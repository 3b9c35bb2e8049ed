"""Step 3: the board report, community update, planning pack and data quality pages."""

"""Step 1: read police.uk and partner files into tidy tables, account for every row."""

"""What the staff console reads and records: held actions, restrictions, account activity."""

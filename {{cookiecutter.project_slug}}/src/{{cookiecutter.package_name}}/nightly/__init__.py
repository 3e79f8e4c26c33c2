"""What runs overnight: the day's customers scored, the monitor's verdict, the morning report."""

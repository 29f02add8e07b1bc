"""Finding people across scripts and spellings."""

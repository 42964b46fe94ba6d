"""``python -m pathways`` runs the command line."""

from pathways.cli import main

main()

"""`python -m kozaguard` runs the same CLI as the `kozaguard` script."""

from kozaguard.entrypoints.cli import main

main()

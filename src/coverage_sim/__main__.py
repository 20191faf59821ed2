"""`python -m coverage_sim` runs the command line."""

from coverage_sim.cli import main

if __name__ == "__main__":
    main()

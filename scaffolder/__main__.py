from scaffolder.cli import main

if __name__ == "__main__":  # also imported, not run, by batch's worker processes
    main()

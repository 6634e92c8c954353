"""The commands of the command line, one module each with a ``main(argv)`` returning the exit
status (``sim.present.cli`` dispatches to them); ``common`` holds what they share."""

"""The ``mikronet`` command: a thin shell that parses, calls the library, prints, and sets the exit status."""

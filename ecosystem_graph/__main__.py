"""``python -m ecosystem_graph``: the same as the ``ecosystem-graph`` command."""

from .cli import main

if __name__ == "__main__":
    main()

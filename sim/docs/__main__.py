"""``python -m sim.docs``: write docs/mechanisms.md, docs/parameters.md and docs/ODD.md."""

from sim.docs.mechanisms import DOCS, ROOT, mechanisms_markdown, parameters_markdown
from sim.docs.odd import odd_markdown


def write(docs=DOCS) -> list:
    docs.mkdir(exist_ok=True)
    written = []
    for name, text in (("mechanisms.md", mechanisms_markdown()),
                       ("parameters.md", parameters_markdown()),
                       ("ODD.md", odd_markdown())):
        path = docs / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path.relative_to(ROOT))

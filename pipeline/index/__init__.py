"""The cross-article index: who said what across many articles (``quotewise index``).

One module a job, in the order the data flows: ``records`` reads and checks record files,
``articles`` the articles' text and outlets, ``text`` normalises wording, ``embeddings`` encodes
sentences with MiniLM, ``speakers`` merges speakers across articles, ``claims`` clusters the same
statement across articles, ``figures`` groups quantities measuring the same thing, ``writing``
writes the index files; ``build`` runs them in turn.
"""

"""The HTML review site (``quotewise view``): articles with their attributions highlighted,
speakers and claims across articles. ``loading`` reads and checks the inputs, ``highlight``
nests the spans, ``wording`` compares wordings, ``pages`` renders, ``site`` writes the folder."""

"""The edXML library (QCVN 102:2016/BTTTT): building and parsing document and status packages.

Pure Python over lxml: nothing in this package imports Django, so it can be used and tested on its own."""

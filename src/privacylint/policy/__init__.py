"""Drafting privacy.yaml from privacy-policy text, and checking a manifest against that text.

policy files -> sentences (sentences.py) -> claims (extract.py, over rules/policy/lexicon.yaml)
-> one draft (merge.py) -> privacy.yaml text (render.py, entry: draft.py);
or the draft beside a manifest (compare.py, entry: check.py).
"""

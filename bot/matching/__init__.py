"""The one home of fuzzy matching, split by job.

- `folding`: the folded form of text every comparison uses (`fold`, `words`);
- `fuzzy`: the scorers, and the only module that imports rapidfuzz;
- `names`: names and aliases resolved from what is typed (`NameIndex`, `best_command`);
- `keywords`: keyword search with spelling correction (`TextIndex`);
- `months`: month names in both languages.
"""

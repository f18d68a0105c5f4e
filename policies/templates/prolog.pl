main :- write('Hello, world!'), nl.

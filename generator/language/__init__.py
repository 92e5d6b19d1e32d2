"""One language or two: definitions and catalogs localized into plain strings, bilingual editions,
dates from LDML patterns, call values inside sentences, Kyrgyz and Russian grammar."""

-- a schema script: comments, a semicolon inside a string, several statements
DROP TABLE IF EXISTS script_items_REPLACE;
CREATE TABLE script_items_REPLACE (id INT PRIMARY KEY, note VARCHAR(64));
/* block comment; with a semicolon */
INSERT INTO script_items_REPLACE (id, note) VALUES (1, 'one, with comma');
INSERT INTO script_items_REPLACE (id, note) VALUES (2, 'it''s two');

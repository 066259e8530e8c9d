-- a script from the classpath; it changes nothing, so concurrent runs cannot collide
SELECT 1;
/* ; */ SELECT 'a, b';

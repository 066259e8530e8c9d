CREATE TABLE customers (id INT PRIMARY KEY, name VARCHAR(32) NOT NULL);
CREATE TABLE orders (id INT PRIMARY KEY, customer_id INT NOT NULL, amount DECIMAL(10, 2) NOT NULL);
INSERT INTO customers (id, name) VALUES (1, 'ann'), (2, 'bob');

ATTACH DATABASE 'stolen.db' AS stolen;

// The server's memory settings, which shape the write figures (needs the right to see settings).
SHOW SETTINGS YIELD name, value
WHERE name IN ['server.memory.heap.max_size', 'server.memory.pagecache.size']
RETURN name, value ORDER BY name

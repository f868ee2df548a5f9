var os = require('os');
var http = require('http');
var fs = require('fs');

http.createServer( function(req, res) {
  if(req.url == '/readiness') {
    if(fs.existsSync('/tmp/healthcheck')) {
      res.writeHead(200);

      res.end('Ready! hostname:'+os.hostname());
    } else {
      res.writeHead(500);
      res.end('Not ready! hostname:'+os.hostname());
    }
  } else {
    res.writeHead(200, { "Content-Type":"text/plain" });
    res.write("Hello node! hostname:"+os.hostname());
    res.end();
  }
}).listen(8080);

import Foundation
import MarvinNode

/// The real marvinctld binary, run as a separate process on its own configuration and
/// database in a temporary directory.
final class CtldProcess {
    let directory: URL
    let binary: String
    let port: Int
    let configPath: String
    private(set) var process: ChildProcess?

    init(directory: URL, yaml: String = "") throws {
        self.directory = directory
        binary = try Integration.productPath("marvinctld")
        port = Integration.freePort()
        configPath = directory.appendingPathComponent("marvinctld.yaml").path
        let config = """
            database: \(directory.appendingPathComponent("ctld.sqlite").path)
            rest_api:
              address: 127.0.0.1
              port: \(port)
            \(yaml)
            """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    var log: URL { directory.appendingPathComponent("marvinctld.log") }

    /// Runs a one-shot command such as `admin add-user …`.
    func command(_ arguments: [String]) throws -> ProgramResult {
        try Program.run(binary, ["--config", configPath] + arguments)
    }

    func start() throws {
        process = try Program.start(binary, ["--config", configPath, "serve"], log: log)
    }

    @discardableResult
    func stop() -> Int32? {
        guard let process else { return nil }
        return Program.stop(process)
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

/// nginx in front of marvinctld, configured like files/nginx/marvinctld.conf, in its own
/// prefix directory and stopped by PID.
final class NginxProcess {
    let directory: URL
    let port: Int
    private var process: ChildProcess?

    init(directory: URL, backendPort: Int, pki: TestPKI, proxyBind: String? = nil) throws {
        self.directory = directory
        port = Integration.freePort()
        let nginx = try Integration.require("nginx")
        for sub in ["logs", "tmp"] {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        let d = directory.path
        let config = """
            daemon off;
            # The master process sets its own signal mask; a lone process would inherit the test
            # runner's, in which SIGTERM is blocked, and ignore the stop.
            master_process on;
            worker_processes 1;
            pid \(d)/nginx.pid;
            error_log \(d)/logs/error.log warn;
            events { worker_connections 64; }
            http {
                access_log \(d)/logs/access.log;
                client_body_temp_path \(d)/tmp/body;
                proxy_temp_path \(d)/tmp/proxy;
                fastcgi_temp_path \(d)/tmp/fastcgi;
                uwsgi_temp_path \(d)/tmp/uwsgi;
                scgi_temp_path \(d)/tmp/scgi;
                server {
                    listen 127.0.0.1:\(port) ssl;
                    server_name localhost;
                    ssl_certificate \(pki.serverCertificate);
                    ssl_certificate_key \(pki.serverKey);
                    ssl_client_certificate \(pki.caCertificate);
                    ssl_verify_client optional;
                    ssl_verify_depth 2;
                    client_max_body_size 1m;
                    location / {
                        proxy_pass http://127.0.0.1:\(backendPort);
                        \(proxyBind.map { "proxy_bind \($0);" } ?? "")
                        proxy_set_header SSL_FINGERPRINT $ssl_client_fingerprint;
                        proxy_set_header SSL-Fingerprint $ssl_client_fingerprint;
                        proxy_set_header VERIFIED $ssl_client_verify;
                        proxy_set_header Host $host;
                    }
                }
            }
            """
        let configPath = directory.appendingPathComponent("nginx.conf").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        let check = try Program.run(nginx, ["-t", "-c", configPath, "-p", d])
        guard check.status == 0 else { throw TestPKI.Failure(description: "nginx -t: \(check.stderr)") }
        process = try Program.start(nginx, ["-c", configPath, "-p", d], log: directory.appendingPathComponent("logs/stderr.log"))
    }

    func stop() {
        if let process { Program.stop(process) }
    }
}

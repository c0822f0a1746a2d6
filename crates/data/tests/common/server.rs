//! A tiny HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests.
//! It stops when dropped, or by itself after two minutes.
//! Each test binary uses some of the behaviors.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How the server answers every request.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// Files under this directory (`/<dataset>/<file>.gz`; a raw file is
    /// served when only it exists); 404 otherwise.
    Serve(PathBuf),
    /// These files, but the body stops halfway while Content-Length announces all.
    Truncate(PathBuf),
    /// These bytes, whatever the path.
    Bytes(Vec<u8>),
    /// This status with a short body.
    Status(u16),
    /// A 200 response announcing `len` bytes, then `chunk` zero bytes every
    /// `every` until `len` are sent, the client leaves, the server stops, or
    /// 20 s have passed.
    Trickle {
        len: usize,
        chunk: usize,
        every: Duration,
    },
    /// Accepts the connection and answers nothing until the client leaves,
    /// the server stops, or 20 s have passed.
    Silent,
}

pub struct TestServer {
    port: u16,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl TestServer {
    pub fn start(behavior: Behavior) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (r, s) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || serve(listener, behavior, r, s));
        Self {
            port,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A URL on which nothing listens: connections are refused.
pub fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn serve(
    listener: TcpListener,
    behavior: Behavior,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) {
    let deadline = Instant::now() + Duration::from_secs(120);
    while !stop.load(Ordering::SeqCst) && Instant::now() < deadline {
        match listener.accept() {
            Ok((stream, _)) => {
                requests.fetch_add(1, Ordering::SeqCst);
                let _ = answer(stream, &behavior, &stop);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(_) => return,
        }
    }
}

fn answer(mut stream: TcpStream, behavior: &Behavior, stop: &AtomicBool) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let path = read_request_path(&mut stream)?;
    if let Behavior::Trickle { len, chunk, every } = behavior {
        return trickle(stream, *len, *chunk, *every, stop);
    }
    if let Behavior::Silent = behavior {
        return silent(stream, stop);
    }
    let (status, body, cut) = match behavior {
        Behavior::Serve(dir) => {
            file(dir, &path).map_or((404, b"not found".to_vec(), None), |b| (200, b, None))
        }
        Behavior::Truncate(dir) => match file(dir, &path) {
            Some(b) => {
                let half = b.len() / 2;
                (200, b, Some(half))
            }
            None => (404, b"not found".to_vec(), None),
        },
        Behavior::Bytes(bytes) => (200, bytes.clone(), None),
        Behavior::Status(status) => (*status, b"no".to_vec(), None),
        Behavior::Trickle { .. } | Behavior::Silent => unreachable!("answered above"),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body[..cut.unwrap_or(body.len())])?;
    stream.flush()?;
    let _ = stream.shutdown(std::net::Shutdown::Both);
    Ok(())
}

fn read_request_path(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 16 * 1024 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&request);
    Ok(text.split_whitespace().nth(1).unwrap_or("/").to_string())
}

/// The bytes of `<dir>/<path>`, or of its raw form when only that exists.
fn file(dir: &std::path::Path, path: &str) -> Option<Vec<u8>> {
    let relative = path.trim_start_matches('/');
    if relative.contains("..") {
        return None;
    }
    let full = dir.join(relative);
    std::fs::read(&full)
        .ok()
        .or_else(|| std::fs::read(full.with_extension("")).ok())
}

/// Sends a 200 head for `len` bytes, then `chunk` bytes every `every`.
fn trickle(
    mut stream: TcpStream,
    len: usize,
    chunk: usize,
    every: Duration,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 X\r\nContent-Type: application/octet-stream\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes())?;
    let give_up = Instant::now() + Duration::from_secs(20);
    let mut sent = 0;
    while sent < len && !stop.load(Ordering::SeqCst) && Instant::now() < give_up {
        let n = chunk.min(len - sent);
        // Fails once the client has closed the connection.
        stream.write_all(&vec![0; n])?;
        stream.flush()?;
        sent += n;
        std::thread::sleep(every);
    }
    Ok(())
}

/// Holds the connection open without answering.
fn silent(mut stream: TcpStream, stop: &AtomicBool) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_millis(20)))?;
    let give_up = Instant::now() + Duration::from_secs(20);
    let mut buf = [0u8; 64];
    while !stop.load(Ordering::SeqCst) && Instant::now() < give_up {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(()), // the client left
            Ok(_) => {}
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

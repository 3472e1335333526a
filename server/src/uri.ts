/** Core file ids are absolute POSIX paths; the protocol speaks `file://` URIs. */
import { fileURLToPath, pathToFileURL } from "node:url";

export function uriToPath(uri: string): string {
  if (uri.startsWith("file:")) {
    try {
      return fileURLToPath(uri);
    } catch {
      return decodeURIComponent(uri.replace(/^file:\/\//, ""));
    }
  }
  // Untitled or other schemes: keep a stable id that cannot collide with a real path.
  return uri;
}

export function pathToUri(path: string): string {
  if (!path.startsWith("/")) return path;
  return pathToFileURL(path).href;
}

// Reads the first reply, then throws: exit status 1.
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Crash {
	// Hostile: refuses to run anywhere but in a judgebox jail: as root (any
	// uid in /proc/self/status 0; UnixSystem.getUid() is no use, it says 0
	// when the uid has no passwd entry, as in the jail) or as other than one
	// of the first processes of a fresh pid namespace.
	static void refuseOutsideJail() {
		boolean jail = ProcessHandle.current().pid() <= 64;
		try {
			for (String l : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status")))
				if (l.startsWith("Uid:"))
					for (String id : l.substring(4).trim().split("\\s+"))
						jail &= !id.equals("0");
		} catch (Exception e) {
			jail = false;
		}
		if (!jail) {
			System.err.println("refusing to run: this program runs only inside a judgebox jail");
			System.exit(99);
		}
	}

	public static void main(String[] args) throws IOException {
		refuseOutsideJail();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
		System.out.println(500);
		System.out.flush();
		String reply = in.readLine();
		if (reply != null && !reply.trim().equals("correct"))
			throw new IllegalStateException("crash after the first reply");
	}
}

// Allocates heap arrays without bound. java.conf gives the JVM -Xmx of 3/4
// of the memory limit, so the heap runs out first: an OutOfMemoryError,
// uncaught, exit status 1, which judgebox (like Kattis) calls a run-time
// error. The arrays are large (32 MiB: the collector puts them straight in
// the old generation and never copies them; the JVM zeroes, so touches,
// them) to reach the error in little CPU time. For a memory_limit in Java
// see memory_limit_exceeded/NativeHog.java.
import java.util.ArrayList;

public class HeapHog {
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

	public static void main(String[] args) {
		refuseOutsideJail();
		ArrayList<long[]> hog = new ArrayList<>();
		for (;;)
			hog.add(new long[1 << 22]);
	}
}

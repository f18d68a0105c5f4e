// Starts a process (java.policy allows threads, never a new process): the
// clone/vfork of the JVM's process launcher is a violation.
public class Spawn {
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

	public static void main(String[] args) throws Exception {
		refuseOutsideJail();
		new ProcessBuilder("unshare", "-U", "true").inheritIO().start().waitFor();
	}
}

// Linear search down from 1000: more than 10 guesses for any n below 991.
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Linear {
	public static void main(String[] args) throws IOException {
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
		for (int g = 1000; g >= 1; g--) {
			System.out.println(g);
			System.out.flush();
			String reply = in.readLine();
			if (reply == null || reply.trim().equals("correct"))
				return;
		}
	}
}

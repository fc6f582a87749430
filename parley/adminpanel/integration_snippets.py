"""Copy-paste examples that mint an externalAuthCode in six languages (DESIGN §5).

Each signs the documented payload `{user: {id, email}}` with HS256, valid for 7 days, reads
the secret from the JWT_AUTH_SECRET environment variable and prints the login URL and the
widget tag for this instance.
"""

import json
from dataclasses import dataclass

URL = "__PARLEY_URL__"  # replaced by a string literal of the instance URL

NODE = """\
// npm install jsonwebtoken
const jwt = require("jsonwebtoken");

const PARLEY_URL = __PARLEY_URL__;
const secret = process.env.JWT_AUTH_SECRET;

// The person signed in to your system.
const user = { id: "user-123", email: "kim@example.com" };

const payload = { user: { id: user.id, email: user.email } };
const externalAuthCode = jwt.sign(payload, secret, {
  algorithm: "HS256",
  expiresIn: "7 days",
});

console.log(`${PARLEY_URL}/?externalAuthCode=${externalAuthCode}`);
console.log(
  `<script defer data-external-auth-code="${externalAuthCode}" ` +
    `src="${PARLEY_URL}/widget.js"></script>`
);
"""

PYTHON = """\
# pip install pyjwt
import os
from datetime import datetime, timedelta, timezone

import jwt

PARLEY_URL = __PARLEY_URL__
secret = os.environ["JWT_AUTH_SECRET"]

# The person signed in to your system.
user = {"id": "user-123", "email": "kim@example.com"}

now = datetime.now(timezone.utc)
payload = {
    "user": {"id": user["id"], "email": user["email"]},
    "iat": now,
    "exp": now + timedelta(days=7),
}
external_auth_code = jwt.encode(payload, secret, algorithm="HS256")

print(f"{PARLEY_URL}/?externalAuthCode={external_auth_code}")
print(
    f'<script defer data-external-auth-code="{external_auth_code}" '
    f'src="{PARLEY_URL}/widget.js"></script>'
)
"""

PHP = """\
<?php
// composer require firebase/php-jwt
require __DIR__ . '/vendor/autoload.php';

use Firebase\\JWT\\JWT;

$parleyUrl = __PARLEY_URL__;
$secret = getenv('JWT_AUTH_SECRET');

// The person signed in to your system.
$user = ['id' => 'user-123', 'email' => 'kim@example.com'];

$now = time();
$payload = [
    'user' => ['id' => $user['id'], 'email' => $user['email']],
    'iat' => $now,
    'exp' => $now + 7 * 24 * 60 * 60,
];
$externalAuthCode = JWT::encode($payload, $secret, 'HS256');

echo $parleyUrl . '/?externalAuthCode=' . $externalAuthCode . PHP_EOL;
echo '<script defer data-external-auth-code="' . $externalAuthCode . '" src="'
    . $parleyUrl . '/widget.js"></script>' . PHP_EOL;
"""

RUBY = """\
# gem install jwt
require "jwt"

PARLEY_URL = __PARLEY_URL__
secret = ENV.fetch("JWT_AUTH_SECRET")

# The person signed in to your system.
user = { id: "user-123", email: "kim@example.com" }

now = Time.now.to_i
payload = {
  user: { id: user[:id], email: user[:email] },
  iat: now,
  exp: now + 7 * 24 * 60 * 60
}
external_auth_code = JWT.encode(payload, secret, "HS256")

puts "#{PARLEY_URL}/?externalAuthCode=#{external_auth_code}"
puts %(<script defer data-external-auth-code="#{external_auth_code}" ) +
     %(src="#{PARLEY_URL}/widget.js"></script>)
"""

GO = """\
// go get github.com/golang-jwt/jwt/v5
package main

import (
\t"fmt"
\t"log"
\t"os"
\t"time"

\t"github.com/golang-jwt/jwt/v5"
)

const parleyURL = __PARLEY_URL__

func main() {
\tsecret := os.Getenv("JWT_AUTH_SECRET")
\tif secret == "" {
\t\tlog.Fatal("JWT_AUTH_SECRET is not set")
\t}

\t// The person signed in to your system.
\tuserID, userEmail := "user-123", "kim@example.com"

\tnow := time.Now()
\tclaims := jwt.MapClaims{
\t\t"user": map[string]any{"id": userID, "email": userEmail},
\t\t"iat":  now.Unix(),
\t\t"exp":  now.Add(7 * 24 * time.Hour).Unix(),
\t}
\texternalAuthCode, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).
\t\tSignedString([]byte(secret))
\tif err != nil {
\t\tlog.Fatal(err)
\t}

\tfmt.Printf("%s/?externalAuthCode=%s\\n", parleyURL, externalAuthCode)
\tfmt.Printf("<script defer data-external-auth-code=\\"%s\\" src=\\"%s/widget.js\\"></script>\\n",
\t\texternalAuthCode, parleyURL)
}
"""

JAVA = """\
// Maven: io.jsonwebtoken:jjwt-api:0.12.6, plus jjwt-impl and jjwt-jackson (runtime)
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Keys;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import javax.crypto.SecretKey;

public class MintExternalAuthCode {
    static final String PARLEY_URL = __PARLEY_URL__;

    public static void main(String[] args) {
        String secret = System.getenv("JWT_AUTH_SECRET");
        SecretKey key = Keys.hmacShaKeyFor(secret.getBytes(StandardCharsets.UTF_8));

        // The person signed in to your system.
        String userId = "user-123";
        String userEmail = "kim@example.com";

        Instant now = Instant.now();
        String externalAuthCode = Jwts.builder()
                .claim("user", Map.of("id", userId, "email", userEmail))
                .issuedAt(Date.from(now))
                .expiration(Date.from(now.plus(Duration.ofDays(7))))
                .signWith(key, Jwts.SIG.HS256)
                .compact();

        System.out.println(PARLEY_URL + "/?externalAuthCode=" + externalAuthCode);
        System.out.println("<script defer data-external-auth-code=\\"" + externalAuthCode
                + "\\" src=\\"" + PARLEY_URL + "/widget.js\\"></script>");
    }
}
"""


@dataclass(frozen=True)
class Snippet:
    slug: str
    language: str
    library: str
    filename: str
    code: str


_SNIPPETS = (
    ("node", "Node.js", "jsonwebtoken", "mint.js", NODE),
    ("python", "Python", "PyJWT", "mint.py", PYTHON),
    ("php", "PHP", "firebase/php-jwt", "mint.php", PHP),
    ("ruby", "Ruby", "ruby-jwt", "mint.rb", RUBY),
    ("go", "Go", "golang-jwt/jwt v5", "main.go", GO),
    ("java", "Java", "jjwt", "MintExternalAuthCode.java", JAVA),
)


def snippets(*, public_url: str) -> list[Snippet]:
    """The six examples with `public_url` written in as a string literal."""
    # A JSON string is a valid double-quoted literal in all six languages; PHP would still
    # expand "$…" inside one, so its dollars are escaped.
    literal = json.dumps(public_url, ensure_ascii=False)
    return [
        Snippet(
            slug=slug,
            language=language,
            library=library,
            filename=filename,
            code=code.replace(URL, literal.replace("$", "\\$") if slug == "php" else literal),
        )
        for slug, language, library, filename, code in _SNIPPETS
    ]

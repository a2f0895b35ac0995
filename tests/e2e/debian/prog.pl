#!/usr/bin/perl
# Perl in the Debian guest: regular expressions, hashes, file I/O and
# fork/wait. Every line it prints is deterministic; tests/e2e/debian.sh
# checks them.
use strict;
use warnings;

my $dir = "/tmp/perl.$$";
mkdir $dir or die "mkdir $dir: $!";

# File I/O: write a small log, read it back line by line.
open(my $out, '>', "$dir/log") or die "open: $!";
for my $i (1 .. 50) {
	my $level = $i % 7 == 0 ? 'ERROR' : $i % 3 == 0 ? 'WARN' : 'INFO';
	printf $out "2024-01-%02d %s item=%d user=u%d\n", $i % 28 + 1, $level, $i, $i % 4;
}
close($out) or die "close: $!";

# Regexes and hashes: count levels and users, sum the ERROR items.
my (%levels, %users, $errsum);
open(my $in, '<', "$dir/log") or die "open: $!";
while (my $line = <$in>) {
	next unless $line =~ /^(\d{4})-(\d\d)-(\d\d) (\w+) item=(\d+) user=(u\d)$/;
	$levels{$4}++;
	$users{$6}++;
	$errsum += $5 if $4 eq 'ERROR';
}
close($in);
print "pl levels: ", join(' ', map {"$_=$levels{$_}"} sort keys %levels), "\n";
print "pl users: ", join(' ', map {"$_=$users{$_}"} sort keys %users), "\n";
print "pl errsum: $errsum\n";

# Substitution and split/join.
(my $s = "The quick brown fox") =~ s/(\w+)/\u\L$1/g;
my @w = split /\s+/, lc $s;
print "pl words: ", join(',', reverse @w), " ", scalar(@w), "\n";

# fork/wait: four children each write a file and exit with their own
# status; the parent reaps them all and reads what they wrote.
my %kids;
for my $n (1 .. 4) {
	my $pid = fork() // die "fork: $!";
	if ($pid == 0) {
		open(my $f, '>', "$dir/child$n") or exit 99;
		print $f "child $n says " . ($n * $n) . "\n";
		close($f);
		exit $n + 10;
	}
	$kids{$pid} = $n;
}
my @st;
while ((my $pid = wait()) > 0) {
	push @st, "$kids{$pid}:" . ($? >> 8);
}
my $said = '';
for my $n (1 .. 4) {
	open(my $f, '<', "$dir/child$n") or die "open: $!";
	$said .= <$f>;
	close($f);
}
$said =~ s/\n/;/g;
print "pl fork: ", join(' ', sort @st), " $said\n";

# A pipe from a child process.
open(my $p, '-|', 'echo', 'piped', 'words') or die "pipe: $!";
my $got = <$p>;
close($p);
chomp $got;
print "pl pipe: $got ", $? >> 8, "\n";

unlink glob("$dir/*");
rmdir $dir or die "rmdir: $!";
print "pl done\n";

#!/usr/bin/perl
# SPDX-License-Identifier: GPL-2.0-only
# Writes a MaxMind DB with MaxMind's own writer (Debian's libmaxmind-db-writer-perl), so that
# the tests read a real .mmdb, not one made by our own code:
#   geoip-mmdb.pl country|asn RECORD_SIZE OUT.mmdb < "first,last,KEY" lines
# Country records: {country: {iso_code}} ({traits: {is_anonymous_proxy}} for A1); ASN records:
# {autonomous_system_number, autonomous_system_organization}. IPv6 tree, IPv4 aliased.
use strict;
use warnings;
use MaxMind::DB::Writer::Tree;
my %types = (country => 'map', iso_code => 'utf8_string', registered_country => 'map',
  continent => 'map', code => 'utf8_string', traits => 'map', is_anonymous_proxy => 'boolean',
  is_satellite_provider => 'boolean', autonomous_system_number => 'uint32',
  autonomous_system_organization => 'utf8_string');
my ($kind, $rs, $out) = @ARGV;
my $tree = MaxMind::DB::Writer::Tree->new(ip_version => 6, record_size => $rs,
  database_type => $kind eq 'asn' ? 'GeoLite2-ASN' : 'GeoLite2-Country', languages => ['en'],
  description => { en => 'test' }, alias_ipv6_to_ipv4 => 1, remove_reserved_networks => 0,
  map_key_type_callback => sub { $types{$_[0]} });
while (my $line = <STDIN>) {
  chomp $line; my ($first, $last, $key) = split /,/, $line;
  my $data = $kind eq 'asn' ? { autonomous_system_number => $key, autonomous_system_organization => "Org $key" }
    : $key eq 'A1' ? { traits => { is_anonymous_proxy => 1 } } : { country => { iso_code => $key } };
  $tree->insert_range($first, $last, $data);
}
open my $fh, '>:raw', $out or die; $tree->write_tree($fh); close $fh;

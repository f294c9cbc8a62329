resource "aws_s3_bucket" "b" {
  provider = aws.us_east_1
  bucket = "x"
  policy = <<-JSON
    {"a":1}
  JSON
  tags = {
    "managed-by" = "rootguard"
  }
}

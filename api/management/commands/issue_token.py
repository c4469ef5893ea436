from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from api.services import token_issue
from core.errors import DomainError


class Command(BaseCommand):
    help = "签发API令牌并打印（令牌只显示这一次）：manage.py issue_token --user 用户名 --name 客户端名称"

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="令牌代表的用户名")
        parser.add_argument("--name", required=True, help="客户端名称")

    def handle(self, *args, user, name, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"用户“{user}”不存在。")
        try:
            token, key = token_issue(user=account, name=name)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stderr.write(f"已为 {account.username} 签发令牌“{token.name}”（编号 {token.pk}）。令牌只显示这一次：")
        self.stdout.write(key)
